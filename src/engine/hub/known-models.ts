/**
 * Models the workbench knows by name. The default's file hashes are the published ones (see
 * ../shared/models/distilbert-sst2-tokenizer/README.md), checked on download besides the hub's own LFS hashes.
 */
import { DEFAULT_MODEL_ID } from '../../shared/api.js';

export const PUBLISHED_SHA256: Record<string, Record<string, string>> = {
  [DEFAULT_MODEL_ID]: {
    'config.json': 'b0e9ec981125ef799f31847b1410053069e7708078bb2236ae05239efdd4d428',
    'tokenizer.json': 'd241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66',
    'tokenizer_config.json': '2bbf2ea55c232406706144b907ca020cd7528a78e3e4741115be3b3566542b0b',
    'onnx/model.onnx': '252cf7048af94a1599019fef35961b2bd3d6db13df0b0a4b032b92baeae31939',
    'onnx/model_quantized.onnx': '79b45c7fd8c2673aa53615aba07caeb2de798f63a95a2393a365982429c94f7f',
  },
};
