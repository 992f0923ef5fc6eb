// Run SPARQL queries on Comunica, many in one process (Node's start and Comunica's set-up take seconds).
//
// Reads one JSON document on stdin: {"timeout": SECONDS, "jobs": [{"query": TEXT, "files": [PATH, ...],
// "union": BOOL}, ...]}. Each job's files are parsed with N3.js into an in-memory rdf-stores store (loaded once per
// set of files; triples into the default graph, quads into their named graphs), which is the query's only source:
// nothing is fetched. `union` makes the default graph the union of all graphs (as Oxigraph's
// use_default_graph_as_union). Writes one JSON document on stdout: a list with, per job in order, either its
// answer as SPARQL 1.1 JSON results (rows in the engine's order, each term with type, value, datatype, xml:lang)
// or {"error": MESSAGE}; a job past its timeout is an error, and the next job runs.
// With PIKG_COMUNICA_TIMES set, each job's milliseconds go to stderr, a line each.
'use strict';

const fs = require('node:fs');
const { StreamParser } = require('n3');
const { RdfStore } = require('rdf-stores');
const { QueryEngine } = require('@comunica/query-sparql');

const FORMATS = { '.nt': 'N-Triples', '.ttl': 'Turtle', '.nq': 'N-Quads', '.trig': 'TriG' };

function format(path) {
  const suffix = path.slice(path.lastIndexOf('.'));
  if (!(suffix in FORMATS)) throw new Error(`${path}: not a file of N-Triples, Turtle, N-Quads or TriG`);
  return FORMATS[suffix];
}

function load(store, path) {
  return new Promise((resolve, reject) => {
    const parser = new StreamParser({ format: format(path), baseIRI: `file://${path}` });
    fs.createReadStream(path).on('error', reject).pipe(parser)
      .on('data', (quad) => store.addQuad(quad))
      .on('error', (error) => reject(new Error(`${path}: ${error.message}`)))
      .on('end', resolve);
  });
}

const stores = new Map();

async function storeOf(files) {
  const key = JSON.stringify(files);
  if (!stores.has(key)) {
    const store = RdfStore.createDefault();
    for (const file of files) await load(store, file);
    stores.set(key, store);
  }
  return stores.get(key);
}

function term(value) {
  if (value.termType === 'NamedNode') return { type: 'uri', value: value.value };
  if (value.termType === 'BlankNode') return { type: 'bnode', value: value.value };
  const literal = { type: 'literal', value: value.value, datatype: value.datatype.value };
  if (value.language) literal['xml:lang'] = value.language;
  return literal;
}

async function answer(engine, job, started) {
  const source = await storeOf(job.files);
  const query = await engine.query(job.query, { sources: [source], unionDefaultGraph: Boolean(job.union) });
  if (query.resultType !== 'bindings') throw new Error(`a ${query.resultType} query, not a SELECT`);
  const { variables } = await query.metadata();
  const columns = variables.map((entry) => (entry.variable ?? entry).value);
  const stream = await query.execute();
  started(stream);
  const rows = [];
  await new Promise((resolve, reject) => {
    stream.on('data', (bindings) => {
      const row = {};
      for (const name of columns) if (bindings.has(name)) row[name] = term(bindings.get(name));
      rows.push(row);
    });
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  return { head: { vars: columns }, results: { bindings: rows } };
}

async function run(engine, job, timeout) {
  let stream;
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      if (stream) stream.destroy();
      reject(new Error(`no answer within ${timeout} s`));
    }, timeout * 1000);
  });
  try {
    return await Promise.race([answer(engine, job, (started) => { stream = started; }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  const request = JSON.parse(fs.readFileSync(0, 'utf8'));
  const engine = new QueryEngine();
  const answers = [];
  for (const job of request.jobs) {
    const started = Date.now();
    try {
      answers.push(await run(engine, job, request.timeout));
    } catch (error) {
      answers.push({ error: String(error && error.message ? error.message : error) });
    }
    if (process.env.PIKG_COMUNICA_TIMES) process.stderr.write(`${Date.now() - started} ms\n`);
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
