SELECT review_id, stars, score, votes, tag FROM reviews ORDER BY 1;
