import type { Express } from 'express';

type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: unknown };

/** "METHOD /path" for every route on the app's router and the routers mounted on it. */
export function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`a route with a non-string path (${String(layer.route.path)}): give it a string path so the walk can name it`);
        for (const method of Object.keys(layer.route.methods)) found.push(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== 'string') throw new Error('a router mounted on a non-string path: mount it on a string so the walk can name its routes');
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk((app.router as unknown as { stack: Layer[] }).stack, '');
  return found;
}
