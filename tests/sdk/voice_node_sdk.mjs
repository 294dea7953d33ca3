// Every live Voice operation through Sinch's own Node SDK (@sinch/voice), unchanged, against a running
// sandbox (live layout, manual clock): both of the SDK's hostnames point at the sandbox, requests are
// application-signed by the SDK. Prints one JSON summary on stdout; tests/test_sdk_node.py checks it.
//
//   SANDBOX_URL=http://127.0.0.1:8700 SINCH_APPLICATION_KEY=... SINCH_APPLICATION_SECRET=... \
//   SINCHVOICE_NODE_SDK_DIR=/folder/holding/node_modules node tests/sdk/voice_node_sdk.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const sdkDir = resolve(process.env.SINCHVOICE_NODE_SDK_DIR || '.');
// ESM ignores NODE_PATH: resolve the SDK from the folder it was installed in, never from this repository.
const require = createRequire(join(sdkDir, 'package.json'));
const { VoiceService, Voice } = require('@sinch/voice');
// The package's "exports" hide package.json: read it beside dist/index.js.
const sdkVersion = JSON.parse(readFileSync(join(dirname(require.resolve('@sinch/voice')), '..', 'package.json'))).version;

const base = process.env.SANDBOX_URL;
const applicationKey = process.env.SINCH_APPLICATION_KEY;
const voice = new VoiceService({
  applicationKey,
  applicationSecret: process.env.SINCH_APPLICATION_SECRET,
  voiceHostname: base, // calls, callouts, conferences
  voiceApplicationManagementHostname: base, // numbers, callback URLs, number query
});

const CLI = '+46700000100';
const results = {};

async function step(name, operation) {
  try {
    const value = await operation();
    results[name] = value === undefined ? null : JSON.parse(JSON.stringify(value));
  } catch (error) {
    results[name] = { error: error.constructor.name, status: error.statusCode ?? null };
  }
  return results[name];
}

async function advance(seconds) {
  const response = await fetch(`${base}/_sandbox/clock/advance`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }),
  });
  if (!response.ok) throw new Error(`clock/advance answered ${response.status}`);
}

const apps = voice.applications;
// Configuration host: numbers (batch assign, unassign with a JSON body), query, callback URLs.
await step('listNumbers', () => apps.listNumbers({}));
await step('assignNumbers', () => apps.assignNumbers({
  assignNumbersRequestBody: { numbers: ['+46700000102', '+467000100000'], applicationkey: applicationKey,
    capability: 'voice' },
}));
await step('unassignNumber', () => apps.unassignNumber({
  unassignNumbersRequestBody: { number: '+46700000101', applicationkey: applicationKey, capability: 'voice' },
}));
await step('listNumbersAfter', () => apps.listNumbers({}));
await step('queryNumber', () => apps.queryNumber({ number: '+46701234567' }));
await step('getCallbackURLs', () => apps.getCallbackURLs({ applicationkey: applicationKey }));

// Traffic host: the three callouts, with the live fields.
const tts = await step('ttsCallout', () => voice.callouts.tts({
  ttsCalloutRequestBody: { method: 'ttsCallout', ttsCallout: {
    cli: CLI, destination: { type: 'number', endpoint: '+46701234567' }, domain: 'pstn', custom: 'sdk',
    locale: 'en-US', prompts: '#ssml[<speak>Disk almost full on the first database server</speak>]',
    dtmf: '1w2', enableAce: false, enableDice: false, enablePie: false,
  } },
}));
const conferenceCall = (endpoint) => voice.conferences.call({
  conferenceCalloutRequestBody: { method: 'conferenceCallout', conferenceCallout: {
    cli: CLI, destination: { type: 'number', endpoint }, conferenceId: 'sdk-bridge', greeting: 'Welcome',
    mohClass: 'music1', conferenceDtmfOptions: { mode: 'detect', maxDigits: 2, timeoutMills: 2000 },
    enablePie: false, domain: 'pstn', custom: 'bridge',
  } },
});
const first = await step('conferenceCallout1', () => conferenceCall('+46701230011'));
const second = await step('conferenceCallout2', () => conferenceCall('+46701230012'));
// Inline ICE built with the SDK's own helpers, no cli/destination: the SVAML says whom to call.
const ice = Voice.customCalloutHelper.formatIceResponse(
  Voice.iceActionHelper.connectPstn({ number: '+46709876543', cli: CLI }),
  Voice.iceInstructionHelper.say('Connecting you', 'en-US'),
);
const custom = await step('customCallout', () => voice.callouts.custom({
  customCalloutRequestBody: { method: 'customCallout', customCallout: { ice, custom: 'inline', maxDuration: 600 } },
}));

await advance(3); // everyone answers after 2 s of ringing
await step('getTtsCall', () => voice.calls.get({ callId: tts.callId }));
await step('manageWithCallLeg', () => voice.calls.manageWithCallLeg({
  callId: custom.callId, callLeg: 'callee', manageWithCallLegRequestBody: {
    instructions: [Voice.svamlInstructionHelper.buildSay('Hello callee', 'en-US'),
      Voice.svamlInstructionHelper.buildPlayFiles(['[Welcome]'], 'en-US')],
  },
}));
await step('updateCall', () => voice.calls.update({
  callId: custom.callId, updateCallRequestBody: { action: Voice.svamlActionHelper.buildHangup() },
}));
await step('getCustomCall', () => voice.calls.get({ callId: custom.callId }));
await step('getConference', () => voice.conferences.get({ conferenceId: 'sdk-bridge' }));
await step('manageParticipant', () => voice.conferences.manageParticipant({
  conferenceId: 'sdk-bridge', callId: first.callId,
  manageParticipantRequestBody: { command: 'onhold', moh: 'music2' },
}));
await step('getConferenceOnHold', () => voice.conferences.get({ conferenceId: 'sdk-bridge' }));
await step('kickParticipant', () => voice.conferences.kickParticipant({
  conferenceId: 'sdk-bridge', callId: second.callId,
}));
await step('kickAll', () => voice.conferences.kickAll({ conferenceId: 'sdk-bridge' }));
await step('getConferenceAfterKickAll', () => voice.conferences.get({ conferenceId: 'sdk-bridge' }));
await step('updateCallbackURLs', () => apps.updateCallbackURLs({
  applicationkey: applicationKey,
  updateCallbacksRequestBody: { url: { primary: 'https://example.com/sinch', fallback: 'https://example.com/fb' } },
}));
await step('getCallbackURLsAfter', () => apps.getCallbackURLs({ applicationkey: applicationKey }));

process.stdout.write(JSON.stringify({ sdk: { '@sinch/voice': sdkVersion }, results }) + '\n');
