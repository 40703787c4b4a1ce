// undici's own modules, imported one by one by src/undici.ts; their types are undici's.
declare module 'undici/lib/*' {
  const value: unknown;
  export default value;
}
