"""The question bank: categories, versioned questions, and the question types."""
