import { canonicalJson } from '../../../src/model/canonicalJson';

/** Client tokens are hashes of canonicalJson: its output may never change, whatever the input. */
describe('canonical JSON', () => {
  it('sorts object keys by code unit, drops undefined members, and writes everything else as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, '10': true, '9': false, Z: 'é', u: undefined })).toBe(
      '{"10":true,"9":false,"Z":"é","a":{"c":null,"d":[1,"x"]},"b":1}',
    );
    expect(canonicalJson([undefined, () => 1, null, 1.5, -0, new Date(0)])).toBe('[null,null,null,1.5,0,{}]');
    expect(canonicalJson('a"\u2028')).toBe(JSON.stringify('a"\u2028'));
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('keeps an array hole as the empty element the earlier join wrote', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalJson([, 1])).toBe('[,1]');
  });
});
