// Parses Mermaid diagrams with the mermaid package under Node (jsdom stands in for the browser
// DOM that mermaid's sanitizer wants). Reads a JSON array of diagram sources on stdin and
// writes a JSON array with null (parsed) or the parser's message for each.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.GP_MERMAID_DIR, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(require.resolve("mermaid"));

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
    results.push(null);
  } catch (err) {
    results.push(String(err.message || err));
  }
}
process.stdout.write(JSON.stringify(results));
