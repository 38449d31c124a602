// An independent Matrix client (matrix-js-sdk with its Rust crypto, as Element uses) that opens an
// encrypted DM with the bot, asks one question and waits for the decrypted reply.
// Usage: node encrypted_dm.mjs HOMESERVER USER_ID PASSWORD BOT_ID QUESTION
// Prints one JSON line: {"question": event id, "reply": {"body", "msgtype", "in_reply_to", "encrypted"}}.
import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

logger.setLevel("error");
const [homeserver, userId, password, botId, question] = process.argv.slice(2);
let stage = "login";
const deadline = setTimeout(() => { console.error(`timed out at: ${stage}`); process.exit(2); }, 60000);

const login = await sdk.createClient({ baseUrl: homeserver }).loginRequest({
  type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password,
});
const client = sdk.createClient({
  baseUrl: homeserver, userId: login.user_id, deviceId: login.device_id, accessToken: login.access_token,
});
stage = "crypto";
await client.initRustCrypto({ useIndexedDB: false });
stage = "first sync";
await new Promise((resolve) => {
  client.once(sdk.ClientEvent.Sync, (state) => { if (state === "PREPARED") resolve(); });
  client.startClient({ initialSyncLimit: 10 });
});

stage = "create room";
const { room_id: roomId } = await client.createRoom({
  invite: [botId], is_direct: true,
  initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
});
stage = "wait for the bot to join";
while (client.getRoom(roomId)?.getMember(botId)?.membership !== "join") {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

stage = "ask";
let asked = null;
const reply = new Promise((resolve) => {
  const seen = async (event) => {
    if (event.getRoomId() !== roomId || event.getSender() !== botId) return;
    await client.decryptEventIfNeeded(event);
    const content = event.getContent();
    const to = content["m.relates_to"]?.["m.in_reply_to"]?.event_id;
    if (asked && to === asked && content.msgtype) {
      resolve({ body: content.body, msgtype: content.msgtype, in_reply_to: to, encrypted: event.isEncrypted() });
    }
  };
  client.on(sdk.RoomEvent.Timeline, (event) => { seen(event); });
  client.on(sdk.MatrixEventEvent.Decrypted, (event) => { seen(event); });
});
asked = (await client.sendMessage(roomId, { msgtype: "m.text", body: question })).event_id;
stage = "wait for the reply";
const answer = await reply;
console.log(JSON.stringify({ question: asked, reply: answer }));
clearTimeout(deadline);
client.stopClient();
process.exit(0);
