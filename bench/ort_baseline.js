// ONNX Runtime CPU baseline for bench/run.sh: times one ONNX file on random input
// the way `resvk bench` does (warm-up runs, then timed runs of one inference each)
// and prints one JSON line per batch. A benchmark baseline only, never a resvk
// dependency: bench/run.sh installs onnxruntime-node into a scratch folder and
// runs this with NODE_PATH pointing there.
//   node bench/ort_baseline.js --model M.onnx --net resnet18 --batch 1 --batch 8
//        [--iters 5] [--iters-large 3] [--warmup 1] [--threads 2]
'use strict';
const ort = require('onnxruntime-node');

function parse(argv) {
    const a = {batch: [], iters: 5, itersLarge: null, warmup: 1, threads: 2, model: null, net: null};
    for (let i = 0; i < argv.length; i += 2) {
        const [k, v] = [argv[i], argv[i + 1]];
        if (v === undefined) throw new Error(`option ${k} needs a value`);
        if (k === '--model') a.model = v;
        else if (k === '--net') a.net = v;
        else if (k === '--batch') a.batch.push(parseInt(v, 10));
        else if (k === '--iters') a.iters = parseInt(v, 10);
        else if (k === '--iters-large') a.itersLarge = parseInt(v, 10);
        else if (k === '--warmup') a.warmup = parseInt(v, 10);
        else if (k === '--threads') a.threads = parseInt(v, 10);
        else throw new Error(`unknown option ${k}`);
    }
    if (!a.model || a.batch.length === 0) throw new Error('--model and --batch are required');
    return a;
}

async function main() {
    const a = parse(process.argv.slice(2));
    const session = await ort.InferenceSession.create(a.model, {
        intraOpNumThreads: a.threads, interOpNumThreads: 1, executionMode: 'sequential',
        graphOptimizationLevel: 'all'});
    const input = session.inputNames[0];
    for (const batch of a.batch) {
        const iters = batch === 1 || a.itersLarge === null ? a.iters : a.itersLarge;
        const data = new Float32Array(batch * 3 * 224 * 224);
        let seed = 12345;  // fixed-seed LCG: the same input every run
        for (let i = 0; i < data.length; ++i) {
            seed = (seed * 1103515245 + 12345) >>> 0;
            data[i] = seed / 4294967296 * 2 - 1;
        }
        const feeds = {[input]: new ort.Tensor('float32', data, [batch, 3, 224, 224])};
        for (let i = 0; i < a.warmup; ++i) await session.run(feeds);
        const runs = [];
        for (let i = 0; i < iters; ++i) {
            const t0 = process.hrtime.bigint();
            await session.run(feeds);
            runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        const sorted = [...runs].sort((x, y) => x - y);
        const mid = sorted.length >> 1;
        const med = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        console.log(JSON.stringify({
            engine: 'onnxruntime', version: ort.env.versions ? ort.env.versions.common : '1.20.1',
            threads: a.threads, net: a.net, batch, iters, ms_per_batch_min: sorted[0], ms_per_batch_median: med,
            ms_per_image: med / batch, images_per_s: batch * 1000 / med, runs_ms: runs}));
    }
}

main().catch((e) => {
    console.error(`bench/ort_baseline.js: ${e.message.split('\n')[0]}`);
    process.exit(1);
});
