/**
 * Maps keyed by ids (connection, post, campaign, workspace ids) are prototype-free
 * dictionaries: on `{}`, an id such as `constructor` or `toString` finds Object.prototype's
 * member and passes for an entry, and `__proto__` cannot be stored at all. Ids come from
 * callers, so every map starts from emptyIdMap, is copied with copyIdMap and read with entryOf.
 */
export type IdMap<T> = Readonly<Record<string, T>>;

/** An empty id map. Frozen, since it is shared: copy it (copyIdMap) to add entries. */
export function emptyIdMap<T>(): IdMap<T> {
  return Object.freeze(Object.create(null) as Record<string, T>);
}

/** The entry of an id map, or undefined: own entries only, whatever the map's prototype. */
export function entryOf<T>(map: IdMap<T>, id: string): T | undefined {
  return Object.hasOwn(map, id) ? map[id] : undefined;
}

/**
 * A copy of an id map, prototype-free. Spreading objects with UUID keys makes V8 build a new
 * hidden class per key: several times slower than this, and evolve copies one such map per
 * event.
 */
export function copyIdMap<T>(source: IdMap<T>): Record<string, T> {
  const copy = Object.create(null) as Record<string, T>;
  // Id maps have no prototype, so for-in sees own keys only.
  for (const key in source) copy[key] = source[key];
  return copy;
}
