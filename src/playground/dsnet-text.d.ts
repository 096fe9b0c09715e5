/** .dsnet files imported by the page are bundled as their text (tools/bundle.mjs). */
declare module "*.dsnet" {
  const text: string;
  export default text;
}
