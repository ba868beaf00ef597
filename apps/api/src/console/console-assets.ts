import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/**
 * The console's built files (`npm run build:console` writes dist/console): read once, so a
 * request can only ever name one of them, never a path on disk.
 */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export const CONSOLE_BUILD_DIR = resolve(process.cwd(), 'dist', 'console');

/** Every built file by its path under /console/ (e.g. `assets/index-3f2a.js`); empty if unbuilt. */
export function loadConsoleAssets(dir: string = CONSOLE_BUILD_DIR): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  const visit = (relative: string) => {
    let names: string[];
    try {
      names = readdirSync(join(dir, relative));
    } catch {
      return;
    }
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const type = CONTENT_TYPES[extname(name)];
      if (type) assets.set(path, { body: readFileSync(join(dir, path)), contentType: type });
      else if (!extname(name)) visit(path);
    }
  };
  visit('');
  return assets;
}
