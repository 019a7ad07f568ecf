"""Listing photos: checked, hashed (content and perceptual), read by OCR in a pool of processes."""
