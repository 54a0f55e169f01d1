// Run SPARQL queries with Comunica in one long-lived Node process and time them.
//
// Started by bench/federation/run.py with the Node 22 runtime that
// install-peers.sh places under bench/federation/node/. Reads one JSON request
// per line on standard input:
//
//   {"engine": "service", "query": "SELECT ...", "sources": [], "variables": ["member"], "fresh": false}
//
// Each "engine" name gets its own QueryEngine, so what one engine has cached
// about the endpoints (service descriptions, cardinalities) does not help or
// hinder another. An empty "sources" list runs the query as written, so
// Comunica evaluates its SERVICE clauses itself. A list of endpoint URLs
// queries them as one dataset (Comunica's multi-source mode, each source typed
// "sparql"). "fresh": true clears the engine's caches with
// invalidateHttpCache() before the clock starts. For each request the runner
// writes one JSON line: {"ms": wall-clock milliseconds from queryBindings()
// until the last solution arrived, "rows": one array of term strings per
// solution}, or {"error": message}. Terms are written as pyoxigraph prints
// them (N-Triples form, no datatype on xsd:string), so run.py can compare rows
// across engines. The line "quit" ends the process.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

// The packages live in node/node_modules beside this file, which ES module
// resolution does not search, so load Comunica (CommonJS) through require.
const require = createRequire(new URL('./node/package.json', import.meta.url));
const { QueryEngine } = require('@comunica/query-sparql');

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

// Escape a literal's lexical form as N-Triples does.
function escapeLiteral(value) {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

// Return an RDF/JS term in N-Triples form, or null for an unbound variable.
function termText(term) {
  if (!term) {
    return null;
  }
  if (term.termType === 'NamedNode') {
    return `<${term.value}>`;
  }
  if (term.termType === 'BlankNode') {
    return `_:${term.value}`;
  }
  const lexical = `"${escapeLiteral(term.value)}"`;
  if (term.language) {
    return `${lexical}@${term.language}`;
  }
  if (term.datatype.value === XSD_STRING) {
    return lexical;
  }
  return `${lexical}^^<${term.datatype.value}>`;
}

// Run one request and return the line to write back.
async function run(engines, request) {
  if (!engines.has(request.engine)) {
    engines.set(request.engine, new QueryEngine());
  }
  const engine = engines.get(request.engine);

  const context = { lenient: false };
  context.sources = request.sources.map((url) => ({ type: 'sparql', value: url }));

  if (request.fresh) {
    await engine.invalidateHttpCache();
  }

  const started = performance.now();
  const stream = await engine.queryBindings(request.query, context);
  const solutions = await stream.toArray();
  const ms = performance.now() - started;

  const rows = solutions.map((bindings) => request.variables.map((name) => termText(bindings.get(name))));
  return { ms, rows };
}

async function main() {
  const engines = new Map();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');

  for await (const line of lines) {
    if (line.trim() === 'quit') {
      break;
    }
    let reply;
    try {
      reply = await run(engines, JSON.parse(line));
    } catch (error) {
      reply = { error: String(error && error.stack ? error.stack : error) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  }
  process.exit(0);
}

main();
