package mongostore

// wishIndexes are the wish collections' indexes.
var wishIndexes = []index{}
