"""The `applications` area: numbers (assigned in batches) and callback URLs."""
