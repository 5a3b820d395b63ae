/**
 * Prints the protocol test vectors of docs/protocol.md. test/protocol-vectors.test.ts
 * checks that the document holds exactly these values.
 */
import {
  addressOf,
  encode,
  encodeTx,
  publicKeyOf,
  sendMsg,
  signTx,
  toHex,
  txBodyCodec,
  txHash,
  txSignHash,
} from "@urbis/protocol";

/** The vectors, as name → lowercase hex or text. */
export function protocolVectors(): Record<string, string> {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
  const pub = publicKeyOf(secret);
  const recipient = addressOf(publicKeyOf(new Uint8Array(32).fill(1)));
  const body = {
    chainId: "urbis-demo-1",
    signer: addressOf(pub),
    publicKey: pub,
    sequence: 7n,
    messages: [sendMsg.wrap({ to: recipient, denom: "ucity", amount: 1_500_000n })],
    memo: "coffee",
    expiresAtHeight: 1000n,
  };
  const tx = signTx(body, secret);
  const bytes = encodeTx(tx);
  return {
    secretKey: toHex(secret),
    publicKey: toHex(pub),
    signerAddress: body.signer,
    recipientAddress: recipient,
    messageValue: toHex(body.messages[0]?.value ?? new Uint8Array()),
    bodyBytes: toHex(encode(txBodyCodec, body)),
    signHash: toHex(txSignHash(body)),
    signature: toHex(tx.signature),
    txBytes: toHex(bytes),
    txHash: txHash(bytes),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [k, v] of Object.entries(protocolVectors())) console.log(`${k}: ${v}`);
}
