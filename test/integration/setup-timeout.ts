// Integration tests talk to real brokers and databases: joins, rebalances and flushes take seconds.
jest.setTimeout(120_000);
