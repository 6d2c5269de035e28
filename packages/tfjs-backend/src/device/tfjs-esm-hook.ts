// A Node module-resolution hook (registered by load-tfjs.ts before tfjs-core's gradients are first imported): @tensorflow/tfjs-core's ESM files, such as
// dist/register_all_gradients.js, import their siblings without a file extension ('../gradients/Abs_grad'),
// which bundlers and vitest accept but Node's ESM loader does not. For relative imports from inside
// @tensorflow packages only, retry with '.js' and '/index.js'.

interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<{ url: string }> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const fromTfjs = context.parentURL?.includes('/@tensorflow/') ?? false;
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (
      !fromTfjs ||
      !relative ||
      specifier.endsWith('.js') ||
      (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT')
    )
      throw error;
    for (const candidate of [`${specifier}.js`, `${specifier}/index.js`]) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // try the next form
      }
    }
    throw error;
  }
}
