const t0=performance.now();
const order = process.argv.slice(2);
for (const m of order) { const t=performance.now(); await import(m); console.log(m, (performance.now()-t).toFixed(1)); }
