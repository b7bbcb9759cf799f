// Runs the MiniLM ONNX model with ONNX Runtime (npm onnxruntime-node) on given token ids.
// usage: node ort_minilm.js IN.json OUT.f32
//   IN.json: {"model": path, "shape": [N, T], "inputIds": [...], "attentionMask": [...]}
//   OUT.f32: last_hidden_state [N, T, hidden], little-endian float32
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [inPath, outPath] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(inPath, 'utf8'));
  const session = await ort.InferenceSession.create(spec.model,
    { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const n = spec.shape[0] * spec.shape[1];
  const tensor = (values) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), spec.shape);
  const feeds = {
    input_ids: tensor(spec.inputIds),
    attention_mask: tensor(spec.attentionMask),
    token_type_ids: tensor(new Array(n).fill(0)),
  };
  const out = await session.run(feeds);
  const hidden = out.last_hidden_state.data;
  fs.writeFileSync(outPath, Buffer.from(hidden.buffer, hidden.byteOffset, hidden.byteLength));
}

main().catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });
