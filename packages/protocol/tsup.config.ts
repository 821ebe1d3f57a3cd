import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // `composite` is for `tsc -b` type-checking only; tsup's dts pass rejects it.
  dts: { compilerOptions: { composite: false } },
  clean: true,
  target: 'es2020',
});
