"""Amazon SQS semantics: queues, messages, visibility, FIFO, dead-letter queues. No wire formats."""
