// The stopword package ships no types: the word lists this project reads from it.
declare module 'stopword' {
  export const swe: readonly string[];
  export const nob: readonly string[];
  export const dan: readonly string[];
  export const pol: readonly string[];
  export const deu: readonly string[];
  export const fra: readonly string[];
  export const eng: readonly string[];
}
