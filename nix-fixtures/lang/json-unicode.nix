"héllo ✓ 日本 🎉"
