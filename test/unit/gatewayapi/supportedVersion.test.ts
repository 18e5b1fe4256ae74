import { isSupportedBundleVersion, supportedVersionCondition } from '../../../src/gatewayapi/supportedVersion';
import { crd } from '../../support/objects';

describe('SupportedVersion', () => {
  it.each([
    ['v1.6.1', true],
    ['v1.6.0', true],
    ['v1.5.1', true],
    ['v1.4.0', false],
    ['v1.7.0', false],
    ['v1.6', false],
    ['1.6.1', false],
    ['v1.6.1-rc.1', false],
  ])('%s supported: %s', (version, expected) => {
    expect(isSupportedBundleVersion(version)).toBe(expected);
  });

  it('ignores CRDs the hooks do not read', () => {
    expect(supportedVersionCondition([crd('gateways', 'v1.6.1'), crd('udproutes', 'v0.0.1')]).status).toBe('True');
  });

  it('lists every detected version when they are mixed but supported', () => {
    expect(supportedVersionCondition([crd('gateways', 'v1.6.1'), crd('httproutes', 'v1.5.0')]).message).toBe(
      'Gateway API v1.5.0, v1.6.1 (supported: v1.5.x, v1.6.x)',
    );
  });
});
