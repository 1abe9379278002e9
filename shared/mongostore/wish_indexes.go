package mongostore

import "go.mongodb.org/mongo-driver/v2/bson"

// Wish and exchange collections (rule R3).
const (
	colWishes     = "wishes"
	colWishClaims = "wish_claims"
	colPosts      = "exchange_posts"
	colPhotos     = "exchange_photos"
	colPhotoUses  = "exchange_photo_uses"
	colWishElders = "wish_elders"
)

// wishIndexes are the wish collections' indexes.
var wishIndexes = []index{
	{colWishes, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}, false},
	{colWishes, bson.D{{Key: "areas", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}, false},
	// the list's sortable columns (wish.Sorts): the column, then _id the same way
	{colWishes, bson.D{{Key: "areas", Value: 1}, {Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colWishes, bson.D{{Key: "areas", Value: 1}, {Key: "value", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colWishes, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colWishes, bson.D{{Key: "elder", Value: 1}}, false},
	{colWishes, bson.D{{Key: "status", Value: 1}, {Key: "claim.until", Value: 1}}, false},
	{colWishClaims, bson.D{{Key: "wish", Value: 1}}, false},
	{colPosts, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "publishedAt", Value: -1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}, false},
	{colPosts, bson.D{{Key: "author", Value: 1}, {Key: "publishedAt", Value: -1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}, false},
	// posts sorted on their date (wish.PostSorts)
	{colPosts, bson.D{{Key: "areas", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPosts, bson.D{{Key: "author", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}}, false},
}
