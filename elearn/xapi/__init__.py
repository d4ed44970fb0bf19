"""xAPI 2.0: statements kept in an outbox and sent by the job worker to the configured LRS."""
