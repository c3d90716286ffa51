"""What API input fields share."""

# Ids in API input are PostgreSQL integers: anything larger cannot name a row.
MAX_ID = 2**31 - 1
