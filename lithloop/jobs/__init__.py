"""Background work: task functions take ids and call services; runners decide where."""
