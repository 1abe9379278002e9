package mongostore

// recruitIndexes are the recruitment collections' indexes.
var recruitIndexes = []index{}
