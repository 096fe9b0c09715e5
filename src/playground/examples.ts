import efficientnet from "../../examples/efficientnet.dsnet";
import ghostnet from "../../examples/ghostnet.dsnet";
import mobilenetV1 from "../../examples/mobilenet_v1.dsnet";
import mobilenetV2 from "../../examples/mobilenet_v2.dsnet";
import mobilenetV3 from "../../examples/mobilenet_v3.dsnet";
import seedBlock from "../../examples/seed_block.dsnet";
import separableBlock from "../../examples/separable_block.dsnet";
import shufflenetV2 from "../../examples/shufflenet_v2.dsnet";
import xception from "../../examples/xception.dsnet";
import typos from "../../examples/errors/typos.dsnet";

/*
 * The repository's examples, bundled as text (esbuild's text loader for .dsnet): the page's
 * menu offers them, and an `import "separable_block.dsnet"` in the editor reads them.
 */
export const examples: Record<string, string> = {
  "seed_block.dsnet": seedBlock,
  "separable_block.dsnet": separableBlock,
  "mobilenet_v1.dsnet": mobilenetV1,
  "mobilenet_v2.dsnet": mobilenetV2,
  "mobilenet_v3.dsnet": mobilenetV3,
  "efficientnet.dsnet": efficientnet,
  "ghostnet.dsnet": ghostnet,
  "shufflenet_v2.dsnet": shufflenetV2,
  "xception.dsnet": xception,
  "errors/typos.dsnet": typos,
};
