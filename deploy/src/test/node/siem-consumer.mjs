// A SIEM's view of Herald: reads an event topic with KafkaJS and decodes the Avro values through the registry's
// Confluent-compatible API with @kafkajs/confluent-schema-registry, as a non-JVM security tool would.
// Usage: node siem-consumer.mjs <brokers> <ccompat registry url> <topic> <event id>
// Prints {key, headers, event} of the event with that id as JSON, or exits 2 after 60 s without it.
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

const [brokers, registryUrl, topic, eventId] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'siem-tap', brokers: brokers.split(','),
  logLevel: process.env.SIEM_TAP_LOG === 'info' ? logLevel.INFO : logLevel.ERROR });
const registry = new SchemaRegistry({ host: registryUrl });
const consumer = kafka.consumer({ groupId: `siem-tap-${Date.now()}` });

const giveUp = setTimeout(() => {
  console.error(`event ${eventId} not found on ${topic}`);
  process.exit(2);
}, 60_000);

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const event = await registry.decode(message.value);
    if (event.id !== eventId) {
      return;
    }
    const headers = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, value.toString()]));
    const json = JSON.stringify({ key: message.key.toString(), headers, event },
      (name, value) => (typeof value === 'bigint' ? value.toString() : value));
    clearTimeout(giveUp);
    // Exit once the line is written; disconnecting here would wait for this very handler to return.
    process.stdout.write(`${json}\n`, () => process.exit(0));
  },
});
