// Validates webhook bodies against the JSON Schemas Herald's build makes from its Avro schemas, with Ajv (the
// validator most JavaScript receivers use). Input: a JSON file of [{name, schema, body, valid}].
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);

const validators = new Map();
let met = 0;
let unmet = 0;
for (const c of cases) {
  let validate = validators.get(c.schema.$id);
  if (!validate) {
    validate = ajv.compile(c.schema);
    validators.set(c.schema.$id, validate);
  }
  const valid = validate(c.body);
  if (valid === c.valid) {
    met++;
  } else {
    unmet++;
    console.log(`${c.name}: expected ${c.valid ? 'valid' : 'invalid'}: ${JSON.stringify(validate.errors)}`);
  }
}
console.log(`json schemas: ${met} expectations met, ${unmet} not met`);
process.exit(unmet === 0 ? 0 : 1);
