"""Officers and their accounts, roles, tokens and second factors."""
