// The query page's SPARQL editor: CodeMirror 6 with the SPARQL stream mode, prefix and
// term completion, Ctrl/Cmd-Enter to run. Progressive enhancement: the page is a plain
// <form> with a <textarea name="query">; without this script it still works.
//
// The page hands its data over in a JSON data block (<script type="application/json">,
// never executed, so the CSP needs no 'unsafe-inline'):
//   {"prefixes": {"ev": "https://w3id.org/chronicon/event#", ...}, "terms": ["ev:Event", ...]}

import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { StreamLanguage } from "@codemirror/language";
import { autocompletion } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

// CodeMirror injects its theme as a <style> element; the page's CSP admits it by the nonce it
// gave this script tag (style-src 'self' 'nonce-…'), read while the script runs.
const NONCE = (document.currentScript && document.currentScript.nonce) || "";

const KEYWORDS = [
  "SELECT", "DISTINCT", "REDUCED", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND",
  "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE",
  "PREFIX", "BASE", "AS", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "STR",
  "LANG", "DATATYPE", "BOUND", "IF", "COALESCE", "EXISTS", "NOT EXISTS", "REGEX", "CONTAINS",
  "STRSTARTS", "STRAFTER", "YEAR", "MONTH", "DAY", "ASC", "DESC", "FROM", "FROM NAMED",
];

function readData() {
  const block = document.getElementById("kg-editor-data");
  if (!block) return { prefixes: {}, terms: [] };
  try {
    return JSON.parse(block.textContent || "{}");
  } catch (err) {
    return { prefixes: {}, terms: [] };
  }
}

/** The prefixes the query already declares. */
function declared(text) {
  const out = new Set();
  const re = /PREFIX\s+([A-Za-z][\w.-]*)?:/gi;
  let m;
  while ((m = re.exec(text)) !== null) out.add(m[1] || "");
  return out;
}

/** A completion source: PREFIX declarations, prefixed terms (adding the PREFIX line), keywords. */
function sparqlCompletions(data) {
  const prefixes = data.prefixes || {};
  const terms = data.terms || [];
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    // "PREFIX e|" → "PREFIX ev: <https://w3id.org/chronicon/event#>"
    const decl = /PREFIX\s+([\w-]*)$/i.exec(before);
    if (decl) {
      return {
        from: context.pos - decl[1].length,
        options: Object.entries(prefixes).map(([name, iri]) => ({
          label: `${name}:`, detail: iri, type: "namespace", apply: `${name}: <${iri}>`,
        })),
        validFor: /^[\w-]*$/,
      };
    }
    // "ev:sta|" → ev:startDate, and "PREFIX ev: <...>" added on top when missing.
    const word = context.matchBefore(/[A-Za-z][\w-]*:[\w-]*/);
    if (word) {
      const prefix = word.text.split(":")[0];
      if (!(prefix in prefixes)) return null;
      const options = terms.filter((t) => t.startsWith(prefix + ":")).map((t) => ({
        label: t,
        type: /:[A-Z]/.test(t) ? "class" : "property",
        apply: (view, completion, from, to) => {
          const changes = [{ from, to, insert: t }];
          if (!declared(view.state.doc.toString()).has(prefix)) {
            changes.push({ from: 0, insert: `PREFIX ${prefix}: <${prefixes[prefix]}>\n` });
          }
          view.dispatch({ changes });
        },
      }));
      return options.length ? { from: word.from, options, validFor: /^[A-Za-z][\w-]*:[\w-]*$/ } : null;
    }
    const kw = context.matchBefore(/[A-Za-z_]+/);
    if (!kw || (kw.from === kw.to && !context.explicit)) return null;
    return {
      from: kw.from,
      options: KEYWORDS.map((k) => ({ label: k, type: "keyword" })),
      validFor: /^[A-Za-z_]*$/,
    };
  };
}

function attach(textarea) {
  const data = readData();
  const form = textarea.form;
  const readOnly = textarea.readOnly;
  const submit = () => {
    if (form && !readOnly) {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }
    return true;
  };
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        EditorView.cspNonce.of(NONCE),
        keymap.of([{ key: "Mod-Enter", run: submit }]),
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [sparqlCompletions(data)] }),
        EditorState.readOnly.of(readOnly),
        EditorView.contentAttributes.of({ "aria-label": textarea.getAttribute("aria-label") || "SPARQL query" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  textarea.classList.add("kg-hidden");
  textarea.setAttribute("aria-hidden", "true");
  textarea.tabIndex = -1;
  textarea.parentNode.insertBefore(view.dom, textarea.nextSibling);
  view.dom.classList.add("kg-editor");
  if (form) form.addEventListener("submit", () => { textarea.value = view.state.doc.toString(); });
  return view;
}

function main() {
  const views = [];
  for (const textarea of document.querySelectorAll("textarea[data-editor]")) views.push(attach(textarea));
  window.chroniconEditors = views; // for tests and the console
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
