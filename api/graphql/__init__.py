"""The GraphQL way in: the schema, its types, the upload mutation, pricing and GraphiQL."""
