package mongostore

// pairingIndexes are the pairing collections' indexes.
var pairingIndexes = []index{}
