/**
 * Source for `new Worker(source, { eval: true })` that imports a worker module next to the caller:
 * `name`.ts when the caller itself runs from TypeScript sources (the test runner; the worker has no
 * TypeScript loader of its own, so it registers tsx's first — a devDependency, run from the repository
 * root), else `name`.js from the build. `onFailure` is CommonJS code run with the error as `e` when the
 * import fails, so the caller learns at once instead of waiting.
 */
export function moduleWorkerSource(callerUrl: string, name: string, onFailure: string): string {
  const fromSource = callerUrl.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl).href;
  const loader = fromSource ? "import('tsx/esm/api').then(({ register }) => register())" : 'Promise.resolve()';
  return `${loader}.then(() => import(${JSON.stringify(entry)})).catch((e) => { ${onFailure} });`;
}
