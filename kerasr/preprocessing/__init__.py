"""R keras's preprocessing topics: sequences, text (the tokenizer family) and images."""
