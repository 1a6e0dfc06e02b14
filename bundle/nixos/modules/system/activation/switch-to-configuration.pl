#! @perl@
# switch-to-configuration ACTION: makes the system configuration @out@ the running one, the
# boot default, or both. ntop's mini-NixOS version; the builder of the top level fills in the
# @...@ names from its environment.
#
#   switch        install the boot loader entry, then activate and (re)start services
#   boot          only install the boot loader entry
#   test          only activate and (re)start services
#   dry-activate  print what would be done

use strict;
use warnings;
use File::Slurp;

my $out = "@out@";
my $unitDir = "/etc/systemd/system";
my $action = shift @ARGV // "";

if ($action !~ /^(switch|boot|test|dry-activate)$/) {
    print STDERR "usage: $0 [switch|boot|test|dry-activate]\n";
    exit 1;
}

# Units of a unit directory, by name, with their contents.
sub readUnits {
    my ($dir) = @_;
    my %units;
    return \%units unless -d $dir;
    for my $name (read_dir($dir)) {
        next unless $name =~ /\.(service|target|socket|timer|mount)$/;
        next unless -f "$dir/$name";
        $units{$name} = read_file("$dir/$name");
    }
    return \%units;
}

my $old = readUnits($unitDir);
my $new = readUnits("$out/etc/systemd/system");
my @stop = sort grep { !exists $new->{$_} } keys %$old;
my @start = sort grep { !exists $old->{$_} } keys %$new;
my @restart = sort grep { exists $old->{$_} && $old->{$_} ne $new->{$_} } keys %$new;

if ($action eq "dry-activate") {
    print "would activate $out\n";
    print "would stop $_\n" for @stop;
    print "would restart $_\n" for @restart;
    print "would start $_\n" for @start;
    exit 0;
}

if ($action eq "switch" || $action eq "boot") {
    system("@installBootLoader@ $out") == 0 or die "installing the boot loader failed\n";
}

exit 0 if $action eq "boot";

my $systemctl = "@systemd@/bin/systemctl";
system($systemctl, "stop", @stop) if @stop;
system("$out/activate") == 0 or die "the activation script of $out failed\n";
system($systemctl, "daemon-reload");
system($systemctl, "restart", @restart) if @restart;
system($systemctl, "start", @start) if @start;
print "switched to $out\n";
