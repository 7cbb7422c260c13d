/**
 * The Redis and RabbitMQ the cluster and broker tests use: real servers, never mocks.
 * `.ci/services` starts them on loopback and exports their URLs; a test run without them fails
 * here with what to do, instead of passing without having tested anything.
 */

function required(name: string, what: string): string {
  const url = process.env[name];
  if (!url) {
    throw new Error(`${name} is not set: this test needs a real ${what}. Run \`. .ci/services\` first (it installs and starts `
      + 'redis-server and rabbitmq-server on loopback and exports the URLs), or run .ci/run');
  }
  return url;
}

/** redis:// URL of the test Redis. */
export function testRedis(): string {
  return required('LOGFRAME_TEST_REDIS', 'Redis server');
}

/** amqp:// URL of the test RabbitMQ. */
export function testAmqp(): string {
  return required('LOGFRAME_TEST_AMQP', 'RabbitMQ server');
}
