package mongostore

// ledgerIndexes are the ledger collections' indexes.
var ledgerIndexes = []index{}
