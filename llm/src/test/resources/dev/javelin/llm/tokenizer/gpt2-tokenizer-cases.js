// Writes gpt2-tokenizer-cases-js.json: the texts of the Python fixture with the ids of gpt-3-encoder's
// own JavaScript encoder (the reference vocabulary's encoder), run by node.
const fs = require('fs');
const { encode, decode } = require(process.argv[2]);
const cases = JSON.parse(fs.readFileSync(process.argv[3], 'utf-8')).cases;
const out = cases.map(c => ({ text: c.text, ids: encode(c.text) }));
let same = 0, roundTrip = 0;
out.forEach((c, i) => {
  if (JSON.stringify(c.ids) === JSON.stringify(cases[i].ids)) same++;
  if (decode(c.ids) === c.text) roundTrip++;
});
fs.writeFileSync(process.argv[4], JSON.stringify({ tokenizer: 'gpt-3-encoder@1.1.4 Encoder.js under node ' + process.version, cases: out }));
console.log(out.length + ' cases, ' + same + ' equal to the Python fixture, ' + roundTrip + ' decode back');
