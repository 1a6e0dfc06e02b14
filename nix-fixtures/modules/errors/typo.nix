{
  users.alice.hoem = "/home/alice";
}
