// Loads the Keras MobileNetV2 shipped inside the npm package nsfwjs (JS modules holding the model
// description and base64 uint8-quantised weights) with TensorFlow.js (CPU backend), and either
//   dump     PKG_DIR OUT_DIR                       -> OUT_DIR/model.json (Keras topology + weight index)
//                                                     and OUT_DIR/weights.f32 (dequantised by tfjs)
//   features PKG_DIR PIXELS.f32 B LAYERS OUT.f32   -> for each comma-separated layer name, that
//                                                     layer's output [B,H,W,C] for the NHWC float32
//                                                     pixels (already scaled to 0..1), concatenated
// PKG_DIR is the unpacked package folder; the model is dist/models/mobilenet_v2.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

function artifacts(pkgDir) {
  const dir = path.join(pkgDir, 'dist', 'models', 'mobilenet_v2');
  const model = require(path.join(dir, 'model.min.js'));
  const buffers = [];
  const specs = [];
  for (const group of model.weightsManifest) {
    for (const p of group.paths) {
      const base64 = require(path.join(dir, p + '.min.js'));
      buffers.push(Buffer.from(base64, 'base64'));
    }
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return { modelTopology: model.modelTopology, weightSpecs: specs, weightData };
}

async function load(pkgDir) {
  await tf.setBackend('cpu');
  const a = artifacts(pkgDir);
  const model = await tfl.loadLayersModel({ load: async () => a });
  return { model, topology: a.modelTopology };
}

async function dump(pkgDir, outDir) {
  const { model, topology } = await load(pkgDir);
  fs.mkdirSync(outDir, { recursive: true });
  const index = [];
  const chunks = [];
  let offset = 0;
  for (const layer of model.layers) {
    layer.weights.forEach((w, i) => {
      const data = layer.getWeights()[i].dataSync();
      index.push({ layer: layer.name, name: w.originalName, shape: w.shape, offset, length: data.length });
      chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      offset += data.length;
    });
  }
  fs.writeFileSync(path.join(outDir, 'weights.f32'), Buffer.concat(chunks));
  fs.writeFileSync(path.join(outDir, 'model.json'),
    JSON.stringify({ modelTopology: topology, weights: index, tfjs: tf.version_core }, null, 1));
}

async function features(pkgDir, pixelsPath, batch, layerNames, outPath) {
  const { model } = await load(pkgDir);
  const raw = fs.readFileSync(pixelsPath);
  const pixels = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const size = model.inputs[0].shape[1];
  const x = tf.tensor4d(pixels, [batch, size, size, 3]);
  const outputs = layerNames.map((n) => model.getLayer(n).output);
  const sub = tfl.model({ inputs: model.inputs, outputs });
  let ys = sub.predict(x);
  if (!Array.isArray(ys)) ys = [ys];
  const parts = ys.map((y) => { const d = y.dataSync(); return Buffer.from(d.buffer, d.byteOffset, d.byteLength); });
  fs.writeFileSync(outPath, Buffer.concat(parts));
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'dump') await dump(args[0], args[1]);
  else if (mode === 'features') await features(args[0], args[1], Number(args[2]), args[3].split(','), args[4]);
  else throw new Error('usage: nsfwjs_tfjs.js dump|features ...');
}

main().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
