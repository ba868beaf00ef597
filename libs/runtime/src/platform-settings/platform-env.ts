/** Every platform setting the flows, refreshers and revokers read (see platformEnvProvider). */
export const PLATFORM_ENV = Symbol('PlatformEnv');
