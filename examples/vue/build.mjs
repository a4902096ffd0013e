// Builds the example with esbuild: its single-file component compiled by Vue's own compiler-sfc
// (what @vitejs/plugin-vue does), with <support-chat> declared a custom element, as Vite's
// vue({ template: { compilerOptions: { isCustomElement } } }) would. `vue-tsc` type-checks first.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compileScript, parse } from 'vue/compiler-sfc';

/** The tags Vue must leave to the browser (custom elements), not resolve as components. */
const isCustomElement = (tag) => tag === 'support-chat';

const vueSfc = {
  name: 'vue-sfc',
  setup(b) {
    b.onLoad({ filter: /\.vue$/ }, (args) => {
      const { descriptor, errors } = parse(readFileSync(args.path, 'utf8'), { filename: args.path });
      if (errors.length) return { errors: errors.map((e) => ({ text: String(e.message ?? e) })) };
      const id = createHash('sha256').update(args.path).digest('hex').slice(0, 8);
      const script = compileScript(descriptor, { id, inlineTemplate: true, templateOptions: { compilerOptions: { isCustomElement } } });
      return { contents: script.content, loader: 'ts' };
    });
  },
};

await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  outdir: 'dist',
  plugins: [vueSfc],
  define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  logLevel: 'warning',
});
