import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA } from '@nestjs/common/constants';
import { IdempotencyInterceptor } from './idempotency.interceptor';

type ModuleLike = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => unknown };

/**
 * Puts IdempotencyInterceptor on every POST route of `controllers` (and on `@All` routes, which
 * take POSTs), as `@UseInterceptors(IdempotencyInterceptor)` written on each would: call it
 * before Nest scans the module. Not a global interceptor: `Idempotency-Key` only means
 * something on a POST, and Nest's interceptor pipeline costs every request it wraps about
 * 60 µs of CPU, more than Express itself (docs/decisions/0021-http-edge-speed.md), so reads,
 * PUTs and DELETEs now skip it. Idempotent: a route gets the interceptor once.
 */
export function bindIdempotencyToPostRoutes(controllers: Iterable<Type>): void {
  for (const controller of controllers) {
    for (const handler of handlersOf(controller)) {
      const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      if (method !== RequestMethod.POST && method !== RequestMethod.ALL) continue;
      const bound = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
      if (bound.includes(IdempotencyInterceptor)) continue;
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [IdempotencyInterceptor, ...bound], handler);
    }
  }
}

/** Every controller of a module and of the modules it imports, at any depth. */
export function controllersOf(root: ModuleLike): Set<Type> {
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (module: ModuleLike | undefined) => {
    if (!module || seen.has(module) || module instanceof Promise || 'forwardRef' in module) return;
    seen.add(module);
    const dynamic = 'module' in module ? module : undefined;
    const type = dynamic ? dynamic.module : (module as Type);
    const listed = (key: string) => (Reflect.getMetadata(key, type) ?? []) as unknown[];
    for (const c of [...listed(MODULE_METADATA.CONTROLLERS), ...(dynamic?.controllers ?? [])]) {
      controllers.add(c as Type);
    }
    for (const m of [...listed(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) {
      visit(m as ModuleLike);
    }
  };
  visit(root);
  return controllers;
}

type Handler = (...args: never[]) => unknown;

function handlersOf(controller: Type): Handler[] {
  const handlers: Handler[] = [];
  for (let proto = controller.prototype; proto && proto !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value: unknown = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (name !== 'constructor' && typeof value === 'function') handlers.push(value as Handler);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return handlers;
}
