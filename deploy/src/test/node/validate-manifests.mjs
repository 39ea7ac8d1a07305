// Validates rendered Kubernetes manifests (multi-document YAML files given as arguments) against the Kubernetes
// OpenAPI schemas shipped in kubernetes-models, and KEDA's CRD schemas in @kubernetes-models/keda.
// Prints one line per problem and exits 1 when there is any; prints the kinds checked otherwise.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const problems = [];
const checked = [];
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length) {
      problems.push(`${file}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const manifest = document.toJS();
    if (manifest === null) continue;
    if (manifest.kind === "Secret" && manifest.data) {
      // kustomize folds long base64 over lines; the API server's decoder skips the newlines, the schema's doesn't
      for (const key of Object.keys(manifest.data)) manifest.data[key] = manifest.data[key].replace(/\s/g, "");
    }
    const name = `${file}: ${manifest.kind}/${manifest.metadata?.name}`;
    const module = manifest.apiVersion?.startsWith("keda.sh/")
      ? `@kubernetes-models/keda/${manifest.apiVersion}/${manifest.kind}`
      : `kubernetes-models/${manifest.apiVersion}/${manifest.kind}`;
    let model;
    try {
      model = await import(module);
    } catch {
      problems.push(`${name}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      new model[manifest.kind](manifest).validate();
      checked.push(`${manifest.apiVersion} ${manifest.kind}`);
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
  }
}
if (problems.length) {
  problems.forEach((problem) => console.log(problem));
  process.exit(1);
}
console.log(`valid: ${checked.length} manifests (${[...new Set(checked)].sort().join(", ")})`);
