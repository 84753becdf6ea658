// js-yaml ships no types (it comes with electron-builder); this test only needs `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
