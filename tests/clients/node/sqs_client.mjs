// Drives the emulator at $EMULATOR_URL with @aws-sdk/client-sqs v3 (AWS JSON protocol).
//
// The SDK itself checks MD5OfMessageBody on SendMessage, SendMessageBatch and ReceiveMessage and
// throws on a mismatch. It does not check the attribute digests, so this script recomputes
// MD5OfMessageAttributes and MD5OfMessageSystemAttributes with its own implementation of AWS's
// algorithm (Developer Guide, "Calculating the MD5 message digest for message attributes") and
// fails on any difference. Prints one JSON summary line; exits non-zero on any failure.
import { createHash, randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

const endpoint = process.env.EMULATOR_URL;
if (!endpoint) {
  console.error("EMULATOR_URL is not set");
  process.exit(2);
}

const client = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

let checked = 0;

function lengthPrefixed(bytes) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function md5OfAttributes(attributes) {
  const names = Object.keys(attributes ?? {}).sort();
  if (names.length === 0) return undefined;
  const parts = [];
  for (const name of names) {
    const { DataType, StringValue, BinaryValue } = attributes[name];
    const binary = DataType.split(".")[0] === "Binary";
    parts.push(lengthPrefixed(Buffer.from(name, "utf8")));
    parts.push(lengthPrefixed(Buffer.from(DataType, "utf8")));
    parts.push(Buffer.from([binary ? 2 : 1]));
    parts.push(lengthPrefixed(binary ? Buffer.from(BinaryValue) : Buffer.from(StringValue, "utf8")));
  }
  return createHash("md5").update(Buffer.concat(parts)).digest("hex");
}

function expectEqual(what, actual, expected) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
  checked += 1;
}

function expectDigests(what, reply, attributes, systemAttributes) {
  expectEqual(`${what} MD5OfMessageAttributes`, reply.MD5OfMessageAttributes, md5OfAttributes(attributes));
  if (systemAttributes !== undefined) {
    expectEqual(
      `${what} MD5OfMessageSystemAttributes`,
      reply.MD5OfMessageSystemAttributes,
      md5OfAttributes(systemAttributes),
    );
  }
}

function attributesOf(i) {
  return {
    Text: { DataType: "String", StringValue: `héllo wörld ${i} \u{1F600}` },
    Count: { DataType: "Number", StringValue: `${-12.5 * (i + 1)}` },
    Int: { DataType: "Number.int", StringValue: `${1234567890123 + i}` },
    Blob: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 2, 255, 254, i]) },
    Png: { DataType: "Binary.png", BinaryValue: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, i]) },
    Custom: { DataType: "String.custom", StringValue: `custom-${i}` },
  };
}

function sameAttributes(what, received, sent) {
  const names = Object.keys(sent).sort();
  expectEqual(`${what} attribute names`, Object.keys(received ?? {}).sort().join(","), names.join(","));
  for (const name of names) {
    const got = received[name];
    const want = sent[name];
    expectEqual(`${what} ${name} DataType`, got.DataType, want.DataType);
    if (want.BinaryValue !== undefined) {
      expectEqual(
        `${what} ${name} BinaryValue`,
        Buffer.from(got.BinaryValue).toString("hex"),
        Buffer.from(want.BinaryValue).toString("hex"),
      );
    } else {
      expectEqual(`${what} ${name} StringValue`, got.StringValue, want.StringValue);
    }
  }
}

async function receiveAll(QueueUrl, expected) {
  const messages = [];
  const deadline = Date.now() + 30_000;
  while (messages.length < expected && Date.now() < deadline) {
    const reply = await client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    messages.push(...(reply.Messages ?? []));
  }
  return messages;
}

async function main() {
  const QueueName = `node-sdk-${randomUUID()}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName }));
  const sent = new Map();

  const single = attributesOf(0);
  const trace = { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" } };
  const body0 = `single message ✓ ${randomUUID()}`;
  const reply = await client.send(
    new SendMessageCommand({ QueueUrl, MessageBody: body0, MessageAttributes: single, MessageSystemAttributes: trace }),
  );
  expectDigests("SendMessage", reply, single, trace);
  sent.set(reply.MessageId, { body: body0, attributes: single });

  const entries = [1, 2, 3].map((i) => ({
    Id: `entry-${i}`,
    MessageBody: `batch message ${i} ${randomUUID()}`,
    MessageAttributes: attributesOf(i),
  }));
  const batch = await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
  if ((batch.Failed ?? []).length > 0) throw new Error(`batch failures: ${JSON.stringify(batch.Failed)}`);
  expectEqual("SendMessageBatch successful entries", (batch.Successful ?? []).length, entries.length);
  for (const ok of batch.Successful) {
    const entry = entries.find((e) => e.Id === ok.Id);
    expectDigests(`SendMessageBatch ${ok.Id}`, ok, entry.MessageAttributes);
    sent.set(ok.MessageId, { body: entry.MessageBody, attributes: entry.MessageAttributes });
  }

  const messages = await receiveAll(QueueUrl, sent.size);
  expectEqual("messages received", messages.length, sent.size);
  for (const message of messages) {
    const original = sent.get(message.MessageId);
    if (!original) throw new Error(`unexpected message ${message.MessageId}`);
    expectEqual(`ReceiveMessage ${message.MessageId} Body`, message.Body, original.body);
    sameAttributes(`ReceiveMessage ${message.MessageId}`, message.MessageAttributes, original.attributes);
    expectDigests(`ReceiveMessage ${message.MessageId}`, message, message.MessageAttributes);
  }

  const [first, ...rest] = messages;
  await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
  const deleted = await client.send(
    new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: rest.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    }),
  );
  if ((deleted.Failed ?? []).length > 0) throw new Error(`delete failures: ${JSON.stringify(deleted.Failed)}`);

  const left = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  expectEqual("messages left", left.Attributes.ApproximateNumberOfMessages, "0");
  expectEqual("messages in flight", left.Attributes.ApproximateNumberOfMessagesNotVisible, "0");
  await client.send(new DeleteQueueCommand({ QueueUrl }));

  console.log(JSON.stringify({ ok: true, sdk: "@aws-sdk/client-sqs", sent: sent.size, received: messages.length, checks: checked }));
}

main().catch((error) => {
  console.error(`FAILED: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
  process.exit(1);
});
