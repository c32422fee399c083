import { describe, expect, it } from 'vitest';
import * as cli from '../src/cli/index.ts';
import * as api from '../src/index.ts';

// The public surface is deliberate: adding or removing an export must show up in review.
describe('export surface', () => {
  it('index', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_FLIST",
        "DeployFailure",
        "GiB",
        "GridClient",
        "KiB",
        "MAX_DEPLOYMENT_DATA",
        "MiB",
        "PLANCK_PER_TFT",
        "TWIN_COMMANDS",
        "TWIN_COMMAND_DOMAIN",
        "TiB",
        "TwinAgent",
        "TwinCommandError",
        "auditDeployment",
        "buildDeployment",
        "chainTwinKeys",
        "collectSignatures",
        "commandTwin",
        "deploymentFromJson",
        "deploymentToWire",
        "diffDeployments",
        "findNodes",
        "formatBytes",
        "formatTft",
        "openSummary",
        "parseSize",
        "parseTwinCommand",
        "publicIpCount",
        "sealSummary",
        "signTwinCommand",
        "stripResults",
        "summarize",
        "tftToPlanck",
        "twinCommandBytes",
        "unwrapReply",
        "verifyTwinCommand",
        "vmWorkloads",
      ]
    `);
  });
  it('cli', () => {
    expect(Object.keys(cli).sort()).toEqual(['USAGE', 'runCli', 'table', 'toJson']);
  });
});
