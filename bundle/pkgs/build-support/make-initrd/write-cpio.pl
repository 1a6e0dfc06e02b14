#! /usr/bin/perl
# write-cpio.pl ROOT: writes the directory tree ROOT to standard output as a cpio archive in the
# "newc" format the Linux kernel unpacks into its initial root file system. Entries are sorted by
# name, owned by root and dated 1970, so the archive depends on the tree's contents alone.
use strict;
use warnings;
use File::Find;

my $root = shift @ARGV or die "usage: $0 ROOT\n";
chdir $root or die "cannot enter $root: $!\n";

my @names;
find({ no_chdir => 1, wanted => sub { push @names, $File::Find::name unless $_ eq '.' } }, '.');
@names = sort map { s{^\./}{}r } @names;

my $inode = 0;
binmode STDOUT;

sub pad4 { my ($len) = @_; return "\0" x ((4 - $len % 4) % 4); }

sub entry {
    my ($name, $mode, $data) = @_;
    my $header = sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
        ++$inode, $mode, 0, 0, 1, 0, length($data), 0, 0, 0, 0, length($name) + 1, 0);
    print $header, $name, "\0", pad4(length($header) + length($name) + 1);
    print $data, pad4(length($data));
}

for my $name (@names) {
    my @st = lstat $name or die "cannot stat $name: $!\n";
    my $perm = $st[2] & 07777;
    if (-l _) {
        entry($name, 0120000 | 0777, readlink $name);
    } elsif (-d _) {
        entry($name, 0040000 | $perm, '');
    } elsif (-f _) {
        open(my $fh, '<', $name) or die "cannot read $name: $!\n";
        binmode $fh;
        local $/;
        my $data = <$fh> // '';
        close $fh;
        entry($name, 0100000 | $perm, $data);
    } else {
        die "$name: only files, directories and symlinks can go into an initrd\n";
    }
}
entry('TRAILER!!!', 0, '');
